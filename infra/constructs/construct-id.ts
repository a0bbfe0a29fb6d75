/** PascalCases a topology or routing-rule name (`order-intake`, `rawArchive`) into a construct id. */
export function constructId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

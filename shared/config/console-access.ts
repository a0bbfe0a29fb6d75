import type { ApiRoute, ConsoleGroup } from '#shared/config/topology';

/**
 * Who may call what from the ops console, decided once: in AWS each group's IAM role is granted
 * exactly these routes (infra), and the local API gateway refuses the same calls to its development
 * users, so a viewer is refused a fix the same way in both.
 */
export function consoleGroupMayCall(group: ConsoleGroup, route: Pick<ApiRoute, 'console'>): boolean {
  if (!route.console) return false;
  return route.console === 'viewer' || group === 'operator';
}

/** The routes a console group's role is granted. */
export function consoleRoutesFor<R extends Pick<ApiRoute, 'console'>>(group: ConsoleGroup, routes: readonly R[]): R[] {
  return routes.filter((route) => consoleGroupMayCall(group, route));
}

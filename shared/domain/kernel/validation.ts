import type * as z from '#domain/kernel/schema';

export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod issues into the `{path, message}` list that error answers and exception events carry. */
export function formatIssues(error: z.core.$ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

import { Parser } from '@asyncapi/parser';

/**
 * Spectral's severities by their numeric value. Matched by number rather than through the parser's
 * `DiagnosticSeverity` export: its `Diagnostic` type comes from another copy of @stoplight/types,
 * whose enum TypeScript treats as unrelated.
 */
const severities = ['error', 'warning', 'information', 'hint'] as const;
export type Severity = (typeof severities)[number];

export interface Finding {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  /** Dotted path into the document, e.g. `operations.api.send.user.registered.messages.0`. */
  readonly path: string;
}

/** Validates an AsyncAPI document (JSON text) with the official parser and its Spectral ruleset. */
export async function validateAsyncApi(document: string): Promise<Finding[]> {
  const diagnostics = await new Parser().validate(document);
  return diagnostics.map((d) => ({
    severity: severities[d.severity] ?? 'error',
    code: String(d.code),
    message: d.message,
    path: d.path.join('.'),
  }));
}

export function formatFinding(f: Finding): string {
  return `  ${f.severity} ${f.code}: ${f.message}\n    at ${f.path || '(document)'}`;
}

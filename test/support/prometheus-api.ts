/** The answer of Prometheus's /api/v1/query. */
export interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string] }[] };
}

/** Runs an instant query. */
export async function promQuery(api: string, expr: string): Promise<PromResponse> {
  return (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as PromResponse;
}

interface AstNode {
  type?: string;
  matchers?: { name: string; value: string; type: string }[];
  [key: string]: unknown;
}

/**
 * The series selectors an expression reads (`name{label="value"}`, ranges dropped), from
 * Prometheus's own parser (/api/v1/parse_query).
 */
export async function selectorsOf(api: string, expr: string): Promise<string[]> {
  const body = (await (await fetch(`${api}/api/v1/parse_query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; error?: string; data?: AstNode };
  if (body.status !== 'success' || body.data === undefined) throw new Error(`parse_query ${expr}: ${body.error ?? body.status}`);
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const ast = node as AstNode;
    if ((ast.type === 'vectorSelector' || ast.type === 'matrixSelector') && ast.matchers !== undefined) {
      found.add(`{${ast.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ')}}`);
    }
    Object.values(ast).forEach(walk);
  };
  walk(body.data);
  return [...found];
}

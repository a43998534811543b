/** Where the app started by global-setup.ts listens, for integration and e2e tests. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through its vitest project (npm test), whose global setup starts Splitscope`);
  return value;
}

export function appUrl(path = ''): string {
  return `${required('SPLITSCOPE_TEST_BASE_URL')}${path}`;
}

export function sandboxKubeconfig(): string {
  return required('SPLITSCOPE_TEST_KUBECONFIG');
}

/** GET (or another method) on the app's API, returning status and parsed JSON. */
export async function api<T = unknown>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(appUrl(path), {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text so a failing assertion shows it
  }
  return { status: response.status, body: body as T };
}

// `server-only` throws when imported outside a React Server environment; tests run
// server modules directly in Node, which is exactly the server side it guards.
export {};

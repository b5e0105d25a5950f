/**
 * The one door to the API: GraphQL over POST JSON to /graphql (queries and mutations) and
 * graphql-transport-ws on the same path (subscriptions). An optional API token is read from
 * localStorage ("mlcanvas.token") and sent as `Authorization: Bearer <token>`; the embedded
 * default signs loopback requests in without one.
 */

import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./generated/graphql";

export const TOKEN_KEY = "mlcanvas.token";
export const GRAPHQL_PATH = "/graphql";

/** The request never got a GraphQL answer (network down, proxy error, HTTP 413...). */
export class ApiTransportError extends Error {
  readonly status: number | null;

  constructor(message: string, status: number | null) {
    super(message);
    this.name = "ApiTransportError";
    this.status = status;
  }
}

export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** The server answered with `errors` (not signed in, a limit, a masked internal error). */
export class ApiGraphQLError extends Error {
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(errors: readonly GraphQLErrorEntry[]) {
    super(errors.map((e) => e.message).join("; ") || "GraphQL error");
    this.name = "ApiGraphQLError";
    this.errors = errors;
  }
}

export function readToken(): string | null {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null; // storage disabled (privacy mode): run without a token
  }
}

function authHeaders(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export interface RequestOptions {
  fetchImpl?: typeof fetch;
  token?: string | null;
  signal?: AbortSignal;
  url?: string;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorEntry[];
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const token = options.token === undefined ? readToken() : options.token;
  let response: Response;
  try {
    response = await fetchImpl(options.url ?? GRAPHQL_PATH, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        ...authHeaders(token),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal ?? null,
    });
  } catch (err) {
    throw new ApiTransportError(`cannot reach the API: ${String(err)}`, null);
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiTransportError(
      `the API answered HTTP ${response.status} without JSON`,
      response.status,
    );
  }
  if (body.errors && body.errors.length > 0) throw new ApiGraphQLError(body.errors);
  if (body.data == null) {
    throw new ApiTransportError(
      `the API answered HTTP ${response.status} without data`,
      response.status,
    );
  }
  return body.data;
}

let wsClient: Client | null = null;

function websocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}${GRAPHQL_PATH}`;
}

/** The shared graphql-transport-ws client; it connects lazily and retries with backoff. */
export function subscriptionClient(): Client {
  wsClient ??= createClient({
    url: websocketUrl(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => {
      const token = readToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return wsClient;
}

export interface SubscriptionHandlers<T> {
  next: (data: T) => void;
  error: (err: Error) => void;
  complete: () => void;
}

/** Subscribe; returns the function that stops the subscription. */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
  client: Client = subscriptionClient(),
): () => void {
  return client.subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (value) => {
        if (value.errors && value.errors.length > 0) {
          handlers.error(new ApiGraphQLError(value.errors as GraphQLErrorEntry[]));
        } else if (value.data != null) {
          handlers.next(value.data);
        }
      },
      error: (err) =>
        handlers.error(err instanceof Error ? err : new ApiTransportError(String(err), null)),
      complete: handlers.complete,
    },
  );
}

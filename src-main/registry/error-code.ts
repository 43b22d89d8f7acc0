/**
 * Reading the codes Node, undici and the file system put on their errors
 * (`ENOSPC`, `ECONNRESET`, `UND_ERR_SOCKET`...): one reader for the library
 * and the app, so each asks the same question the same way.
 */

/** The error's own string `code`, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `err` and the errors it wraps through `cause`, outermost first, at most `depth` of them. */
export function* causeChain(err: unknown, depth = 5): Generator<object> {
  let e: unknown = err;
  for (let i = 0; e && typeof e === 'object' && i < depth; i++) {
    yield e;
    e = (e as { cause?: unknown }).cause;
  }
}

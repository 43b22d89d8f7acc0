/**
 * URLs go into logs and error messages. They must never carry a secret:
 * user-info is dropped, and query values that look like credentials (presigned
 * S3 signatures, tokens, upload state) are replaced.
 */
const SECRET_PARAM = /(sig|signature|token|key|credential|secret|password|auth|state|code)/i;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
  parsed.username = '';
  parsed.password = '';
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, 'REDACTED');
  }
  return parsed.toString();
}

/** Parsing `WWW-Authenticate` challenges (RFC 7235), as registries send them. */

export interface Challenge {
  /** Lower-cased: `basic` or `bearer`. */
  scheme: string;
  /** Parameter names lower-cased: realm, service, scope, error. */
  params: Record<string, string>;
}

/**
 * Reads every challenge in a header value, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"`.
 * Quoted values may contain commas and escaped quotes.
 */
export function parseChallenges(value: string | string[] | undefined): Challenge[] {
  // A registry may send each challenge in a WWW-Authenticate header of its own.
  if (Array.isArray(value)) return value.flatMap((v) => parseChallenges(v));
  if (!value) return [];
  const out: Challenge[] = [];
  let i = 0;
  const s = value;
  const skipSpace = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < s.length && !/[\s,=]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipSpace();
    const token = readToken();
    if (!token) break;
    let j = i;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
    if (s[j] === '=' && current) {
      // A parameter of the current challenge.
      i = j + 1;
      while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
      let val = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          val += s[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',') i++;
        val = s.slice(start, i).trim();
      }
      current.params[token.toLowerCase()] = val;
    } else {
      // A new scheme starts.
      current = { scheme: token.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}

/** Prefers Bearer over Basic when a registry offers both. */
export function pickChallenge(value: string | string[] | undefined): Challenge | undefined {
  const all = parseChallenges(value);
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}

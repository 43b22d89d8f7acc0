/**
 * Pretty JSON, coloured, in which every digest is a link: `onDigest` says
 * what it opens (an image of an index, the config, a layer).
 */
import { useMemo, type ReactNode } from 'react';

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;
const DIGEST = /^"(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})"$/;

interface JsonViewProps {
  text: string;
  /** Turns digests into links. */
  onDigest?: (digest: string) => void;
  /** The link's tooltip, e.g. "Open the linux/amd64 image". */
  describeDigest?: (digest: string) => string;
  label: string;
}

export function JsonView({ text, onDigest, describeDigest, label }: JsonViewProps) {
  const nodes = useMemo(() => {
    const out: ReactNode[] = [];
    let last = 0;
    let key = 0;
    for (const m of text.matchAll(TOKEN)) {
      const start = m.index ?? 0;
      if (start > last) out.push(text.slice(last, start));
      const [whole, str, colon, num, literal] = m;
      if (str !== undefined && colon !== undefined) {
        out.push(
          <span key={key++} className="json-key">
            {str}
          </span>,
          colon,
        );
      } else if (str !== undefined) {
        const digest = DIGEST.exec(str)?.[1];
        if (digest && onDigest) {
          out.push(
            <button
              key={key++}
              type="button"
              className="json-digest"
              title={describeDigest?.(digest) ?? 'Open'}
              onClick={() => onDigest(digest)}
            >
              {str}
            </button>,
          );
        } else
          out.push(
            <span key={key++} className="json-string">
              {str}
            </span>,
          );
      } else if (num !== undefined)
        out.push(
          <span key={key++} className="json-number">
            {num}
          </span>,
        );
      else if (literal !== undefined)
        out.push(
          <span key={key++} className="json-literal">
            {literal}
          </span>,
        );
      else out.push(whole);
      last = start + whole.length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }, [text, onDigest, describeDigest]);
  return (
    <pre className="json" aria-label={label}>
      {nodes}
    </pre>
  );
}

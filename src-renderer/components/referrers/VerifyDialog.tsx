/**
 * Verify…: each cosign signature of the image checked against a public key
 * pasted in (or read from a file picked here), each Notation signature
 * against a certificate given as trusted, the outcome per signature in
 * plain words, with the library's reason below (for a keyless signature it
 * names who the certificate was issued to, and that Lading does not check
 * that against Sigstore's roots).
 */
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { MAX_PUBLIC_KEY_LENGTH, publicKeySchema, type NotationCheckView, type VerificationView } from '../../../src-shared/referrers';
import { useLading } from '../../context/lading';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { shortDigest } from '../../lib/format';
import { notationVerdictOf, verdictOf, type Verdict } from '../../lib/referrers';
import { Dialog } from '../common/Dialog';
import { DialogButtons } from '../common/DialogButtons';
import { ErrorNotice } from '../common/ErrorNotice';
import { TextField } from '../form/TextField';

interface VerifyDialogProps {
  connectionId: string;
  repository: string;
  /** The image whose signatures are checked. */
  digest: string;
  /** How many Notation signatures are attached: they need a certificate, not a key. */
  notationSignatures: number;
  onClose: () => void;
}

export function VerifyDialog({ connectionId, repository, digest, notationSignatures, onClose }: VerifyDialogProps) {
  const lading = useLading();
  const [key, setKey] = useState('');
  const { errors, check } = useFieldErrors<'key'>();
  const fileRef = useRef<HTMLInputElement>(null);
  const verify = useMutation({
    mutationFn: (publicKey: string) => lading['referrers.verify']({ connectionId, repository, digest, publicKey }),
  });

  const submit = () => {
    const parsed = publicKeySchema.safeParse(key);
    if (!check({ key: parsed.success ? undefined : parsed.error.issues[0]?.message })) return;
    verify.mutate(key);
  };

  const pickFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_PUBLIC_KEY_LENGTH) {
      check({ key: `${file.name} is larger than ${MAX_PUBLIC_KEY_LENGTH / 1024} KiB: that is not a public key` });
      return;
    }
    void file.text().then((text) => {
      setKey(text);
      check({});
    });
  };

  return (
    <Dialog
      name="verify"
      title="Verify signatures"
      wide
      onClose={onClose}
      onSubmit={submit}
      footer={<DialogButtons onCancel={onClose} submitLabel="Verify" pending={verify.isPending} pendingLabel="Verifying…" />}
    >
      <p>
        Checks each cosign signature of <code>{digest}</code> against a public key, and each Notation signature against a certificate you
        trust (its CA): whether it matches, and whether it signs this very image.
      </p>
      <div className="form-grid">
        <TextField
          id="verify-key"
          label="Public key or certificate"
          rows={7}
          value={key}
          onChange={setKey}
          error={errors.key}
          placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
          hint="PEM: cosign.pub as cosign generate-key-pair writes it (ECDSA, RSA or Ed25519), or a certificate (a Notation signer's CA)."
          trailing={
            <>
              <button type="button" onClick={() => fileRef.current?.click()}>
                Choose file…
              </button>
              <input
                ref={fileRef}
                type="file"
                hidden
                accept=".pub,.pem,.crt,.cer,.key,text/plain"
                aria-label="Public key file"
                onChange={pickFile}
              />
            </>
          }
        />
      </div>
      {verify.isError && <ErrorNotice error={verify.error} />}
      {verify.data && <VerifyResults view={verify.data} notationSignatures={notationSignatures} />}
    </Dialog>
  );
}

function VerifyResults({ view, notationSignatures }: { view: VerificationView; notationSignatures: number }) {
  const notation = view.notationChecks ?? [];
  const needsCertificate =
    notationSignatures > 0 && view.notationChecks === undefined
      ? `${notationSignatures === 1 ? 'The Notation signature is' : `The ${notationSignatures} Notation signatures are`} checked against a certificate, not a key: give the CA certificate of its signer.`
      : undefined;
  if (view.checks.length === 0 && notation.length === 0) {
    return <p className="verify-none">{needsCertificate ?? 'This image has no signatures to check this way.'}</p>;
  }
  return (
    <>
      <ul className="verify-results" aria-label="Verification results">
        {view.checks.map((c) => (
          <Result key={`${c.referrer}-${c.layer}`} verdict={verdictOf(c)} scheme="cosign">
            Signature in {c.tag ? <code>{c.tag}</code> : <code>{shortDigest(c.referrer)}</code>}, layer <code>{shortDigest(c.layer)}</code>.{' '}
            {c.reason}
          </Result>
        ))}
        {notation.map((c) => (
          <NotationResult key={`${c.referrer}-${c.layer}`} check={c} />
        ))}
      </ul>
      {needsCertificate && <p className="dim">{needsCertificate}</p>}
    </>
  );
}

function NotationResult({ check: c }: { check: NotationCheckView }) {
  return (
    <Result verdict={notationVerdictOf(c)} scheme="notation">
      Notation signature <code>{shortDigest(c.referrer)}</code>
      {c.signer ? ` by ${c.signer}` : ''}. {c.reason} {c.note}
    </Result>
  );
}

function Result({ verdict, scheme, children }: { verdict: Verdict; scheme: 'cosign' | 'notation'; children: ReactNode }) {
  return (
    <li className={verdict.ok ? 'verify-ok' : 'verify-bad'} data-verified={verdict.ok} data-scheme={scheme}>
      <span className="verify-mark" aria-hidden="true">
        {verdict.ok ? '✓' : '✗'}
      </span>
      <div>
        <strong>{verdict.words}</strong>
        <div className="dim">{children}</div>
      </div>
    </li>
  );
}

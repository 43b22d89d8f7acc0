/**
 * One attachment, decoded, part by part: an SBOM as its package table (with
 * Save… for the original document); provenance as a short summary (builder,
 * source, commit, build time) and the full statement; a signature with its
 * payload and who signed (a keyless one's identity and issuer, said to be
 * unchecked against Sigstore's roots); anything else by its type and size.
 */
import { useState, type ReactNode } from 'react';
import type { DescriptorView } from '../../../src-shared/contract';
import type {
  AttachmentPartView,
  CertificateView,
  CosignSignaturePartView,
  InTotoPartView,
  NotationSignaturePartView,
  ReferrerView,
  SavedAttachment,
  SignerView,
} from '../../../src-shared/referrers';
import { useAttachment } from '../../hooks/referrer-queries';
import { formatBytes, formatTime, shortDigest, shortMediaType } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';
import { Loading } from '../common/Spinner';
import { JsonView } from '../detail/JsonView';
import { SaveAttachmentDialog } from './SaveAttachmentDialog';
import { SbomTable } from './SbomTable';

/** Said wherever a certificate's identity is shown. */
export const UNCHECKED_IDENTITY =
  "Lading shows who the certificate names; it does not check the certificate against Sigstore's roots (Fulcio) or its transparency log (Rekor).";

interface AttachmentDetailProps {
  connectionId: string;
  repository: string;
  referrer: ReferrerView;
}

export function AttachmentDetail({ connectionId, repository, referrer }: AttachmentDetailProps) {
  const attachment = useAttachment(connectionId, repository, referrer.digest, referrer.kind);
  const [saving, setSaving] = useState<{ layer: DescriptorView; what: string } | null>(null);
  const [saved, setSaved] = useState<SavedAttachment | null>(null);
  if (attachment.isPending) return <Loading what="the attachment" />;
  if (attachment.isError) return <ErrorNotice error={attachment.error} onRetry={() => void attachment.refetch()} />;
  const view = attachment.data;
  const save = (layer: DescriptorView, what: string) => (
    <button type="button" className="small-button" onClick={() => setSaving({ layer, what })}>
      Save…
    </button>
  );
  return (
    <div className="attachment" data-attachment={view.digest}>
      {saved && (
        <p className="notice" role="status">
          Saved {formatBytes(saved.bytes)} to <code>{saved.path}</code>
        </p>
      )}
      {view.parts.map((part, i) => (
        <section key={`${part.descriptor.digest}-${i}`} className="attachment-part" data-part={part.type}>
          <PartView part={part} describes={referrer.describes} save={save} />
        </section>
      ))}
      {view.parts.length === 0 && <p className="empty">It has no layers.</p>}
      {saving && (
        <SaveAttachmentDialog
          connectionId={connectionId}
          repository={repository}
          referrer={view.digest}
          layer={saving.layer}
          what={saving.what}
          onClose={() => setSaving(null)}
          onSaved={setSaved}
        />
      )}
    </div>
  );
}

type SaveButton = (layer: DescriptorView, what: string) => ReactNode;

function PartView({ part, describes, save }: { part: AttachmentPartView; describes: string; save: SaveButton }) {
  switch (part.type) {
    case 'sbom': {
      const what = `the ${part.sbom.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM`;
      return (
        <>
          <PartHeading
            title={`SBOM · ${part.sbom.format === 'spdx' ? 'SPDX' : 'CycloneDX'} ${part.sbom.specVersion ?? ''}`}
            part={part}
            action={save(part.descriptor, what)}
          />
          {part.sbom.name && <p className="dim">{part.sbom.name}</p>}
          <SbomTable sbom={part.sbom} />
        </>
      );
    }
    case 'in-toto':
      return <InTotoView part={part} save={save} />;
    case 'cosign-signature':
      return <SignatureView part={part} describes={describes} />;
    case 'message-signature':
      return (
        <>
          <PartHeading title="Signature (sigstore bundle)" part={part} />
          <dl className="facts wide">
            <dt>Signs</dt>
            <dd>
              <code>{part.signedDigest ?? '—'}</code>
            </dd>
            <Signer signer={part.signer} />
          </dl>
        </>
      );
    case 'notation-signature':
      return <NotationView part={part} describes={describes} />;
    case 'other':
      return (
        <>
          <PartHeading
            title={part.title ?? shortMediaType(part.mediaType)}
            part={part}
            action={save(part.descriptor, part.title ?? 'the layer')}
          />
          <p className="dim">
            {part.mediaType}, {formatBytes(part.size)}: Lading shows this kind of layer by its type and size only.
          </p>
        </>
      );
  }
}

function PartHeading({ title, part, action }: { title: string; part: AttachmentPartView; action?: ReactNode }) {
  return (
    <div className="part-heading">
      <h4>{title}</h4>
      <span className="dim">
        layer <code title={part.descriptor.digest}>{shortDigest(part.descriptor.digest)}</code>, {formatBytes(part.descriptor.size)}
      </span>
      {action}
    </div>
  );
}

const PREDICATE_NAMES: [RegExp, string][] = [
  [/^https:\/\/slsa\.dev\/provenance\//, 'Provenance'],
  [/^https:\/\/spdx\.dev\/Document/, 'SBOM (SPDX)'],
  [/^https:\/\/cyclonedx\.org\//, 'SBOM (CycloneDX)'],
  [/^https:\/\/sigstore\.dev\/cosign\/sign\//, 'cosign signature'],
  [/vuln|scan/i, 'Vulnerability scan'],
];

function predicateName(type: string): string {
  return PREDICATE_NAMES.find(([pattern]) => pattern.test(type))?.[1] ?? 'Attestation';
}

function InTotoView({ part, save }: { part: InTotoPartView; save: SaveButton }) {
  const { statement, provenance } = part;
  const full = JSON.stringify(
    {
      _type: statement.type,
      subject: statement.subjects,
      predicateType: statement.predicateType,
      predicate: part.predicate ?? '(the SBOM, listed above)',
    },
    null,
    2,
  );
  const what = part.sbom ? 'the SBOM statement' : 'the statement';
  return (
    <>
      <PartHeading title={predicateName(statement.predicateType)} part={part} action={save(part.descriptor, what)} />
      <dl className="facts wide">
        <dt>Predicate</dt>
        <dd>
          <code>{statement.predicateType}</code>
        </dd>
        <dt>About</dt>
        <dd>
          {statement.subjects.map((s, i) => (
            <div key={i}>
              {s.name && `${s.name} `}
              <code>
                {Object.entries(s.digest)
                  .map(([alg, hex]) => `${alg}:${hex}`)
                  .join(', ')}
              </code>
            </div>
          ))}
        </dd>
        {provenance && (
          <>
            <dt>Builder</dt>
            <dd>{provenance.builder ?? '—'}</dd>
            <dt>Source</dt>
            <dd>{provenance.sourceRepository ?? '—'}</dd>
            <dt>Commit</dt>
            <dd>
              <code>{provenance.commit ?? '—'}</code>
            </dd>
            <dt>Built</dt>
            <dd>
              {formatTime(provenance.buildStartedOn)}
              {provenance.buildFinishedOn ? ` – ${formatTime(provenance.buildFinishedOn)}` : ''}
            </dd>
            {provenance.buildType && (
              <>
                <dt>Build type</dt>
                <dd>
                  {provenance.buildType} <span className="dim">(SLSA {provenance.slsaVersion})</span>
                </dd>
              </>
            )}
          </>
        )}
        <dt>Signed</dt>
        <dd>
          {part.envelope
            ? `In a DSSE envelope with ${part.envelope.signatures.length} signature${part.envelope.signatures.length === 1 ? '' : 's'}; Lading does not check attestation signatures.`
            : 'No: a bare statement (as BuildKit stores it; the image index around it is what a signature would cover).'}
        </dd>
        {part.signer && <Signer signer={part.signer} />}
      </dl>
      {part.sbom && <SbomTable sbom={part.sbom} />}
      <h5>Full statement</h5>
      <JsonView text={full} label={`The in-toto statement ${predicateName(statement.predicateType)}`} />
    </>
  );
}

function SignatureView({ part, describes }: { part: CosignSignaturePartView; describes: string }) {
  let payload = part.payload;
  try {
    payload = JSON.stringify(JSON.parse(part.payload), null, 2);
  } catch {
    // Shown as it is.
  }
  return (
    <>
      <PartHeading title={part.certificate ? 'Keyless signature' : 'Signature'} part={part} />
      <dl className="facts wide">
        <dt>Signs</dt>
        <dd>
          <code>{part.signedDigest ?? '—'}</code>{' '}
          {part.signedDigest && (
            <span className={part.signedDigest === describes ? 'dim' : 'bad'}>
              {part.signedDigest === describes ? '(this image)' : '(another image)'}
            </span>
          )}
        </dd>
        {part.dockerReference && (
          <>
            <dt>Reference</dt>
            <dd>
              <code>{part.dockerReference}</code>
            </dd>
          </>
        )}
        {part.certificate ? (
          <CertificateFacts certificate={part.certificate} />
        ) : (
          <>
            <dt>Signed by</dt>
            <dd>a key (no certificate): Verify… checks it against a public key.</dd>
          </>
        )}
        {part.transparencyLog && (
          <>
            <dt>Transparency log</dt>
            <dd>
              entry {part.transparencyLog.logIndex ?? '—'}
              {part.transparencyLog.integratedTime ? `, ${formatTime(part.transparencyLog.integratedTime)}` : ''} (as stored with the
              signature; not checked)
            </dd>
          </>
        )}
      </dl>
      <h5>Payload</h5>
      <JsonView text={payload} label="Signed payload" />
    </>
  );
}

function NotationView({ part, describes }: { part: NotationSignaturePartView; describes: string }) {
  const leaf = part.certificates[0];
  return (
    <>
      <PartHeading title={`Notation signature (${part.algorithm})`} part={part} />
      <dl className="facts wide">
        <dt>Signs</dt>
        <dd>
          <code>{part.signedDigest}</code>{' '}
          <span className={part.signedDigest === describes ? 'dim' : 'bad'}>
            {part.signedDigest === describes ? '(this image)' : '(another image)'}
          </span>
        </dd>
        {part.signingTime && (
          <>
            <dt>Signed</dt>
            <dd>
              {formatTime(part.signingTime)}
              {part.expiry ? `, expires ${formatTime(part.expiry)}` : ''}
            </dd>
          </>
        )}
        <dt>Signer</dt>
        <dd data-testid="notation-signer">{leaf?.subject ?? leaf?.identity ?? '—'}</dd>
        <dt>Chain</dt>
        <dd>
          <ol className="notation-chain">
            {part.certificates.map((c, i) => (
              <li key={i}>
                {c.subject ?? c.identity ?? '(no subject)'}{' '}
                <span className="dim">
                  issued by {c.certificateIssuer}, valid {formatTime(c.validFrom)} – {formatTime(c.validTo)}
                </span>
              </li>
            ))}
          </ol>
        </dd>
        <dt>Checked</dt>
        <dd data-testid="notation-checks">
          <span className={part.signatureMatchesCertificate ? undefined : 'bad'}>
            {part.signatureMatchesCertificate
              ? "The signature matches the signer certificate's key."
              : "The signature does NOT match the signer certificate's key: the envelope was changed after signing, or is not this certificate's."}
          </span>{' '}
          <span className={part.chainLinked ? undefined : 'bad'}>
            {part.chainLinked ? 'Each certificate is issued by the next.' : 'The certificates do not form a chain.'}
          </span>
          <div className="unchecked">{part.note}</div>
        </dd>
        {(part.signingScheme || part.signingAgent) && (
          <>
            <dt>Made by</dt>
            <dd>
              {part.signingAgent ?? '—'}
              {part.signingScheme ? ` · scheme ${part.signingScheme}` : ''}
            </dd>
          </>
        )}
      </dl>
    </>
  );
}

function Signer({ signer }: { signer: SignerView }) {
  if (signer.certificate) return <CertificateFacts certificate={signer.certificate} />;
  return (
    <>
      <dt>Signed by</dt>
      <dd>a key{signer.publicKeyHint ? ` (hint ${signer.publicKeyHint})` : ''}</dd>
    </>
  );
}

function CertificateFacts({ certificate }: { certificate: CertificateView }) {
  return (
    <>
      <dt>Identity</dt>
      <dd data-testid="signer-identity">{certificate.identity ?? '—'}</dd>
      <dt>Issuer</dt>
      <dd data-testid="signer-issuer">{certificate.oidcIssuer ?? '—'}</dd>
      {certificate.sourceRepository && (
        <>
          <dt>Built from</dt>
          <dd>
            {certificate.sourceRepository}
            {certificate.sourceCommit ? ` @ ${certificate.sourceCommit}` : ''}
          </dd>
        </>
      )}
      <dt>Certificate</dt>
      <dd>
        issued by {certificate.certificateIssuer}, valid {formatTime(certificate.validFrom)} – {formatTime(certificate.validTo)}
        <div className="unchecked">{UNCHECKED_IDENTITY}</div>
      </dd>
    </>
  );
}

/**
 * A target path: typed (the web host has no folder picker: the path is on
 * the machine running Lading), or chosen with the native dialog in Electron.
 */
import { useState } from 'react';
import { absolutePathSchema } from '../../../src-shared/schemas';
import { useApi } from '../../context/api';

interface FolderFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  help: string;
  error?: string;
  /** For a target that must not exist yet: the picked folder gets `suggestName` appended. */
  suggestName?: string;
}

export function checkPath(value: string): string | undefined {
  const result = absolutePathSchema.safeParse(value.trim());
  return result.success ? undefined : result.error.issues[0]?.message;
}

export function FolderField({ id, label, value, onChange, help, error, suggestName }: FolderFieldProps) {
  const api = useApi();
  const [picking, setPicking] = useState(false);
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div>
        <div className="input-row">
          <input
            id={id}
            type="text"
            value={value}
            spellCheck={false}
            autoFocus
            placeholder="/home/me/images"
            aria-invalid={error ? true : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
          {api.canPickFolder && (
            <button
              type="button"
              disabled={picking}
              onClick={() => {
                setPicking(true);
                void api
                  .pickFolder()
                  .then((dir) => {
                    if (dir) onChange(suggestName ? `${dir.replace(/[\\/]+$/, '')}/${suggestName}` : dir);
                  })
                  .finally(() => setPicking(false));
              }}
            >
              Browse…
            </button>
          )}
        </div>
        {error && (
          <div className="field-error" role="alert">
            {error}
          </div>
        )}
        <div className="field-help">
          {help}
          {!api.canPickFolder && ' Type an absolute path on the machine running Lading.'}
        </div>
      </div>
    </>
  );
}

/** `/a/b/` + `name` */
export function joinPath(dir: string, name: string): string {
  if (!dir) return '';
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

export function parentOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i > 0 ? trimmed.slice(0, i) : trimmed;
}

/**
 * A target path: typed (the web host has no folder picker: the path is on
 * the machine running Lading), or chosen with the native dialog in Electron.
 */
import { useState } from 'react';
import { useLading } from '../../context/lading';
import { joinPath } from '../../lib/paths';
import { TextField } from '../form/TextField';

interface FolderFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint: string;
  error?: string | undefined;
  /** For a target that must not exist yet: the picked folder gets `suggestName` appended. */
  suggestName?: string;
}

export function FolderField({ id, label, value, onChange, hint, error, suggestName }: FolderFieldProps) {
  const lading = useLading();
  const [picking, setPicking] = useState(false);
  const browse = () => {
    setPicking(true);
    void lading
      .pickFolder()
      .then((dir) => {
        if (dir) onChange(suggestName ? joinPath(dir, suggestName) : dir);
      })
      .finally(() => setPicking(false));
  };
  return (
    <TextField
      id={id}
      label={label}
      value={value}
      onChange={onChange}
      error={error}
      hint={lading.canPickFolder ? hint : `${hint} Type an absolute path on the machine running Lading.`}
      placeholder="/home/me/images"
      autoFocus
      trailing={
        lading.canPickFolder && (
          <button type="button" disabled={picking} onClick={browse}>
            Browse…
          </button>
        )
      }
    />
  );
}

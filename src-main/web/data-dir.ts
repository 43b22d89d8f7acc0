/**
 * The app data folder, the same one the Electron shell uses
 * (`app.getPath('appData')` + `Lading`): ~/.config/Lading on Linux
 * ($XDG_CONFIG_HOME respected), ~/Library/Application Support/Lading on
 * macOS, %APPDATA%\Lading on Windows.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Lading');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Lading');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Lading');
}

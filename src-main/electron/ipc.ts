/**
 * The Electron IPC adapter: one `ipcMain.handle` channel per operation of
 * the contract (`lading:op:<name>`), plus the folder picker. Every message's
 * sender frame is checked first; an untrusted one is refused (the invoke
 * rejects) and its input is never looked at. Trusted input goes to
 * `dispatcher.call`, which validates it and answers an Outcome; the Outcome goes
 * back as is (plain data, already scrubbed of secrets).
 *
 * Electron's objects come in as parameters (typed by electron's own .d.ts),
 * so the adapter is tested with fakes: the Electron binary cannot run on
 * the machines the tests run on.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { OPERATION_NAMES, type JobEvent } from '../../src-shared/contract';
import { JOB_EVENT_CHANNEL, operationChannel, PICK_FOLDER_CHANNEL } from '../../src-shared/transport';
import type { OperationDispatcher } from '../app/operation-dispatcher';
import type { SenderCheck } from './trust';

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatcher: Pick<OperationDispatcher, 'call'>;
  isTrusted: SenderCheck;
  /** Shows the folder picker for the window of `sender`; null when cancelled. */
  pickFolder(sender: WebContents): Promise<string | null>;
  /** Told about refused messages. */
  onRefused?(channel: string, url: string | undefined): void;
}

export const REFUSED_MESSAGE = 'Refused: this message did not come from the Lading window';

/** Every channel the adapter registers. */
export function ipcChannels(): string[] {
  return [...OPERATION_NAMES.map(operationChannel), PICK_FOLDER_CHANNEL];
}

/** Registers the handlers; returns a function that removes them. */
export function registerIpc(options: IpcOptions): () => void {
  const { ipcMain, dispatcher, isTrusted } = options;

  const guard = (channel: string, event: IpcMainInvokeEvent): void => {
    if (isTrusted(event.senderFrame)) return;
    let url: string | undefined;
    try {
      url = event.senderFrame?.url;
    } catch {
      url = undefined;
    }
    options.onRefused?.(channel, url);
    throw new Error(REFUSED_MESSAGE);
  };

  for (const name of OPERATION_NAMES) {
    const channel = operationChannel(name);
    ipcMain.handle(channel, (event, input: unknown) => {
      guard(channel, event);
      return dispatcher.call(name, input);
    });
  }
  ipcMain.handle(PICK_FOLDER_CHANNEL, (event) => {
    guard(PICK_FOLDER_CHANNEL, event);
    return options.pickFolder(event.sender);
  });

  return () => {
    for (const channel of ipcChannels()) ipcMain.removeHandler(channel);
  };
}

/** Forwards every job event to `contents` until it is destroyed or the returned function is called. */
export function forwardJobEvents(
  dispatcher: Pick<OperationDispatcher, 'subscribe'>,
  contents: Pick<WebContents, 'send' | 'isDestroyed'>,
): () => void {
  const unsubscribe = dispatcher.subscribe((event: JobEvent) => {
    if (contents.isDestroyed()) {
      unsubscribe();
      return;
    }
    contents.send(JOB_EVENT_CHANNEL, event);
  });
  return unsubscribe;
}

// Commands accept an optional args object, so tests and other extensions can run them without
// any QuickPick/InputBox (every step the args answer is skipped). These helpers read it safely.
import * as vscode from 'vscode';
import { caDirOfNode } from '../../views/caTreeModel';
import { pickerTitle } from '../invocation';

export type Args = Record<string, unknown>;

/**
 * The args object when the first argument is a plain object (not a Uri). A node of the
 * Certificate Authorities view (a context-menu click) becomes `{ caDir }`: its other fields
 * (the CA's name, subject...) are not arguments.
 */
export function argsOf(value: unknown): Args {
  const caDir = caDirOfNode(value);
  if (caDir !== undefined) return { caDir };
  return value && typeof value === 'object' && !(value instanceof vscode.Uri) && !Array.isArray(value) ? (value as Args) : {};
}

export function str(a: Args, key: string): string | undefined {
  const v = a[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function num(a: Args, key: string): number | undefined {
  const v = a[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strList(a: Args, key: string): string[] | undefined {
  const v = a[key];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (typeof v === 'string') return splitList(v);
  return undefined;
}

export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export async function askText(opts: vscode.InputBoxOptions): Promise<string> {
  const v = await vscode.window.showInputBox({ ignoreFocusOut: true, title: pickerTitle(), ...opts });
  if (v === undefined) throw new vscode.CancellationError();
  return v.trim();
}

export async function askPick<T extends vscode.QuickPickItem>(items: T[], opts: vscode.QuickPickOptions): Promise<T> {
  const v = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: pickerTitle(), ...opts });
  if (!v) throw new vscode.CancellationError();
  return v;
}

export function positiveDays(text: string): string | undefined {
  return /^\d+$/.test(text) && Number(text) > 0 && Number(text) <= 36500 ? undefined : 'Enter a number of days between 1 and 36500';
}

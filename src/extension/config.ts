// The one typed reader of Certscope settings. Features call readConfig() when they need a value
// (never cache it across commands), so changes to settings apply without reloading.
// Every key here must be declared in package.json `contributes.configuration`.
import * as vscode from 'vscode';

export interface CertscopeConfig {
  /** certscope.inspect.openToSide: open decoded documents beside the current editor. */
  inspectOpenToSide: boolean;
}

export function readConfig(scope?: vscode.ConfigurationScope): CertscopeConfig {
  const c = vscode.workspace.getConfiguration('certscope', scope);
  return {
    inspectOpenToSide: c.get<boolean>('inspect.openToSide', false),
  };
}

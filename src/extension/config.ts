// The one typed reader of Certscope settings. Features call readConfig() when they need a value
// (never cache it across commands), so changes to settings apply without reloading.
// Every key here must be declared in package.json `contributes.configuration`.
import * as vscode from 'vscode';

export interface CertscopeConfig {
  /** certscope.inspect.openToSide: open decoded documents beside the current editor. */
  inspectOpenToSide: boolean;
  /** Inspection features (helper F): workspace index, hover, CodeLens, diagnostics, decorations. */
  inspectInclude: string;
  inspectExclude: string[];
  inspectMaxFileSizeKB: number;
  inspectCodeLens: boolean;
  inspectHover: boolean;
  inspectFileDecorations: boolean;
  diagnosticsEnabled: boolean;
  diagnosticsExpiringDays: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): CertscopeConfig {
  const c = vscode.workspace.getConfiguration('certscope', scope);
  return {
    inspectOpenToSide: c.get<boolean>('inspect.openToSide', false),
    inspectInclude: c.get<string>('inspect.include', '**/*.{pem,crt,cer,cert,der,crl,csr,key,p7b,p7c,p12,pfx,ocsp,resp}'),
    inspectExclude: c.get<string[]>('inspect.exclude', ['**/node_modules/**', '**/.git/**']),
    inspectMaxFileSizeKB: c.get<number>('inspect.maxFileSizeKB', 5120),
    inspectCodeLens: c.get<boolean>('inspect.codeLens', true),
    inspectHover: c.get<boolean>('inspect.hover', true),
    inspectFileDecorations: c.get<boolean>('inspect.fileDecorations', true),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    diagnosticsExpiringDays: c.get<number>('diagnostics.expiringDays', 30),
  };
}

// Folding per PEM block (BEGIN line to END line) for the pem language. language-configuration.json
// has the same markers for VS Code's built-in folding; this provider also folds indented blocks
// and reports a block as one region even when the END line is missing at the end of the file.
import * as vscode from 'vscode';

const BEGIN = /^\s*-----BEGIN [^-]+-----/;
const END = /^\s*-----END [^-]+-----/;

export class PemFolding implements vscode.FoldingRangeProvider {
  provideFoldingRanges(doc: vscode.TextDocument): vscode.FoldingRange[] {
    const out: vscode.FoldingRange[] = [];
    let start = -1;
    for (let i = 0; i < doc.lineCount; i++) {
      const text = doc.lineAt(i).text;
      if (BEGIN.test(text)) start = i;
      else if (END.test(text) && start >= 0) { if (i > start) out.push(new vscode.FoldingRange(start, i)); start = -1; }
    }
    if (start >= 0 && doc.lineCount - 1 > start) out.push(new vscode.FoldingRange(start, doc.lineCount - 1));
    return out;
  }
}

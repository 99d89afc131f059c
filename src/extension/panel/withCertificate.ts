// "Test Connection with This Certificate" (certscope.test.withCertificate), a tree-only action:
// opens the connection test panel with the clicked certificate and its private key (and the
// running local broker's URL and CA). Works on issued certificates of the "Certificate
// Authorities" view (key in issued/<name>/) and on certificates of the "Workspace PKI" view
// whose key the workspace index paired by public key.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { ISSUED_FILES } from '../../core/ca';
import type { PkiNode } from '../../core/workspace/tree';
import { UserError } from '../errors';
import type { Services } from '../services';
import { isCaCertNode } from '../views/caTreeModel';
import { openTestPanel } from './index';
import type { TestPanelHost } from './testPanel';
import { colonSerial } from '../../core/serial';

export async function testWithCertificate(services: Services, node: unknown): Promise<TestPanelHost> {
  const { cert, key } = certAndKey(services, node);
  return openTestPanel(services, { cert, key });
}

function certAndKey(services: Services, node: unknown): { cert: string; key: string } {
  if (isCaCertNode(node)) {
    if (!node.certPath) throw new UserError(`the CA has no certificate file for serial ${colonSerial(node.serialHex)}`);
    const key = join(dirname(node.certPath), ISSUED_FILES.key);
    if (!existsSync(key)) throw new UserError(`${node.subject} has no private key next to ${node.certPath} (Certscope keeps it only for certificates it issued with a key)`);
    return { cert: node.certPath, key };
  }
  const analysis = services.pki.analysis();
  if (node instanceof vscode.Uri) {
    // Explorer context menu: the first certificate of the file that has a private key in the workspace.
    const ref = analysis?.certs.find((c) => c.loc.file === node.fsPath && analysis.pairing.keysForSpki(c.cert.publicKey.spkiSha256).some((k) => !k.key.encrypted));
    const key = ref && analysis!.pairing.keysForSpki(ref.cert.publicKey.spkiSha256).find((k) => !k.key.encrypted);
    if (!ref || !key) throw new UserError(`${vscode.workspace.asRelativePath(node)} has no certificate with an unencrypted private key in the workspace`);
    return { cert: node.fsPath, key: key.loc.file };
  }
  const n = node as Partial<PkiNode> | undefined;
  if (n?.kind !== 'cert' || !n.location?.file || !n.fingerprint) throw new UserError('Select a certificate in the "Certificate Authorities" or "Workspace PKI" view.');
  const ref = analysis?.certs.find((c) => c.cert.fingerprints.sha256 === n.fingerprint);
  const keys = ref ? analysis!.pairing.keysForSpki(ref.cert.publicKey.spkiSha256).filter((k) => !k.key.encrypted) : [];
  if (!ref || keys.length === 0) throw new UserError(`${n.label ?? 'this certificate'} has no unencrypted private key in the workspace to test with`);
  return { cert: n.location.file, key: keys[0].loc.file };
}

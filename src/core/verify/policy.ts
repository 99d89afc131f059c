// RFC 5280 §6.1 certificate policy processing: the valid_policy_tree with policy mapping,
// inhibitAnyPolicy, requireExplicitPolicy and the user-initial settings (PKITS §4.8-4.12).
import { OID } from '../oids';
import type { ParsedCert } from './parse';

const ANY_POLICY = OID.anyPolicy;

export interface PolicySettings {
  /** user-initial-policy-set; default {anyPolicy}. */
  initialPolicySet?: string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialInhibitAnyPolicy?: boolean;
}

interface PolicyNode {
  validPolicy: string;
  qualifiers?: string;
  expected: Set<string>;
  children: PolicyNode[];
  parent?: PolicyNode;
  depth: number;
}

export class PolicyState {
  private root: PolicyNode | null;
  explicitPolicy: number;
  private policyMapping: number;
  private inhibitAnyPolicy: number;
  private readonly n: number;
  private readonly initialSet: string[];

  constructor(n: number, s: PolicySettings) {
    this.n = n;
    this.root = { validPolicy: ANY_POLICY, expected: new Set([ANY_POLICY]), children: [], depth: 0 };
    this.explicitPolicy = s.initialExplicitPolicy ? 0 : n + 1;
    this.policyMapping = s.initialPolicyMappingInhibit ? 0 : n + 1;
    this.inhibitAnyPolicy = s.initialInhibitAnyPolicy ? 0 : n + 1;
    this.initialSet = s.initialPolicySet?.length ? s.initialPolicySet : [ANY_POLICY];
  }

  private nodesAt(depth: number): PolicyNode[] {
    const out: PolicyNode[] = [];
    const walk = (node: PolicyNode): void => {
      if (node.depth === depth) { out.push(node); return; }
      for (const c of node.children) walk(c);
    };
    if (this.root) walk(this.root);
    return out;
  }

  private addChild(parent: PolicyNode, validPolicy: string, qualifiers: string | undefined, expected: Set<string>): void {
    parent.children.push({ validPolicy, qualifiers, expected, children: [], parent, depth: parent.depth + 1 });
  }

  /** Removes nodes above `depth` that have no children; the tree becomes NULL when the root goes. */
  private prune(depth: number): void {
    for (let d = depth - 1; d >= 0; d--) {
      for (const node of this.nodesAt(d)) {
        if (node.children.length === 0) {
          if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
          else this.root = null;
        }
      }
    }
  }

  /** §6.1.3 (d)-(f) for certificate i (1-based). Returns an error message on failure. */
  processCertificate(cert: ParsedCert, i: number): string | undefined {
    if (cert.policies && this.root) {
      const anyQ = cert.policies.find((p) => p.oid === ANY_POLICY);
      const parents = this.nodesAt(i - 1);
      for (const p of cert.policies) {
        if (p.oid === ANY_POLICY) continue;
        let matched = false;
        for (const node of parents) {
          if (node.expected.has(p.oid)) { this.addChild(node, p.oid, p.qualifiers, new Set([p.oid])); matched = true; }
        }
        if (!matched) {
          const anyNode = parents.find((node) => node.validPolicy === ANY_POLICY);
          if (anyNode) this.addChild(anyNode, p.oid, p.qualifiers, new Set([p.oid]));
        }
      }
      if (anyQ && (this.inhibitAnyPolicy > 0 || (i < this.n && cert.selfIssued))) {
        for (const node of parents) {
          for (const e of node.expected) {
            if (!node.children.some((c) => c.validPolicy === e)) this.addChild(node, e, anyQ.qualifiers, new Set([e]));
          }
        }
      }
      this.prune(i);
    } else if (!cert.policies) {
      this.root = null;
    }
    if (!(this.explicitPolicy > 0 || this.root)) return 'no valid certificate policy (an explicit policy is required)';
    return undefined;
  }

  /** §6.1.4 (a), (b), (h)-(j): preparation for the next certificate. */
  prepareNext(cert: ParsedCert, i: number): string | undefined {
    if (cert.policyMappings) {
      if (cert.policyMappings.some((m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY)) return 'policy mapping to or from anyPolicy';
      const byIssuer = new Map<string, Set<string>>();
      for (const m of cert.policyMappings) {
        const s = byIssuer.get(m.issuerDomainPolicy) ?? new Set<string>();
        s.add(m.subjectDomainPolicy);
        byIssuer.set(m.issuerDomainPolicy, s);
      }
      for (const [id, subjects] of byIssuer) {
        const atDepth = this.nodesAt(i);
        if (this.policyMapping > 0) {
          const hits = atDepth.filter((n) => n.validPolicy === id);
          if (hits.length) {
            for (const h of hits) h.expected = new Set(subjects);
          } else {
            const anyNode = atDepth.find((n) => n.validPolicy === ANY_POLICY);
            if (anyNode && anyNode.parent) this.addChild(anyNode.parent, id, anyNode.qualifiers, new Set(subjects));
          }
        } else {
          for (const h of atDepth.filter((n) => n.validPolicy === id)) {
            if (h.parent) h.parent.children = h.parent.children.filter((c) => c !== h);
          }
          this.prune(i);
        }
      }
    }
    if (!cert.selfIssued) {
      if (this.explicitPolicy > 0) this.explicitPolicy--;
      if (this.policyMapping > 0) this.policyMapping--;
      if (this.inhibitAnyPolicy > 0) this.inhibitAnyPolicy--;
    }
    const pc = cert.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < this.explicitPolicy) this.explicitPolicy = pc.requireExplicitPolicy;
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < this.policyMapping) this.policyMapping = pc.inhibitPolicyMapping;
    if (cert.inhibitAnyPolicy !== undefined && cert.inhibitAnyPolicy < this.inhibitAnyPolicy) this.inhibitAnyPolicy = cert.inhibitAnyPolicy;
    return undefined;
  }

  /** §6.1.5 (a), (b), (g). Returns the user-constrained policy set or an error. */
  wrapUp(leaf: ParsedCert): { error?: string; policies: string[] } {
    if (this.explicitPolicy > 0) this.explicitPolicy--;
    if (leaf.policyConstraints?.requireExplicitPolicy === 0) this.explicitPolicy = 0;
    const n = this.n;
    if (this.root && !this.initialSet.includes(ANY_POLICY)) {
      const all: PolicyNode[] = [];
      const walk = (node: PolicyNode): void => { all.push(node); node.children.forEach(walk); };
      walk(this.root);
      const validSet = all.filter((node) => node.parent && node.parent.validPolicy === ANY_POLICY);
      for (const node of validSet) {
        if (node.validPolicy !== ANY_POLICY && !this.initialSet.includes(node.validPolicy)) {
          node.parent!.children = node.parent!.children.filter((c) => c !== node);
        }
      }
      const anyLeaf = this.nodesAt(n).find((node) => node.validPolicy === ANY_POLICY);
      if (anyLeaf && anyLeaf.parent) {
        const present = new Set(validSet.map((v) => v.validPolicy));
        for (const p of this.initialSet) if (!present.has(p)) this.addChild(anyLeaf.parent, p, anyLeaf.qualifiers, new Set([p]));
        anyLeaf.parent.children = anyLeaf.parent.children.filter((c) => c !== anyLeaf);
      }
      this.prune(n);
    }
    const leaves = this.root ? this.nodesAt(n) : [];
    let policies = [...new Set(leaves.map((l) => l.validPolicy))];
    if (policies.includes(ANY_POLICY)) policies = this.initialSet.includes(ANY_POLICY) ? [ANY_POLICY] : [...this.initialSet];
    if (!(this.explicitPolicy > 0 || (this.root && leaves.length > 0))) {
      return { error: 'no valid certificate policy for this path (the policy tree is empty and an explicit policy is required)', policies: [] };
    }
    return { policies };
  }
}

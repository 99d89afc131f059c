// Saved connection profiles, per workspace: the form in workspaceState, the password in
// SecretStorage (never in workspaceState, settings or logs).
import type * as vscode from 'vscode';
import { DEFAULT_FORM, type FormState, type ProfileSummary } from '../../webview/protocol';

const PROFILES_KEY = 'certscope.test.profiles';
const LAST_FORM_KEY = 'certscope.test.lastForm';
const secretKey = (name: string): string => `certscope.test.password/${name}`;

interface StoredProfile {
  name: string;
  form: Omit<FormState, 'password'>;
  hasPassword: boolean;
}

function withoutPassword(form: FormState): Omit<FormState, 'password'> {
  const { password: _password, ...rest } = form;
  return rest;
}

export class ProfileStore {
  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {}

  private all(): StoredProfile[] {
    return this.state.get<StoredProfile[]>(PROFILES_KEY, []);
  }

  list(): ProfileSummary[] {
    return this.all().map((p) => ({ name: p.name, url: p.form.url, hasPassword: p.hasPassword })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async save(name: string, form: FormState): Promise<void> {
    const clean = name.trim();
    if (!clean) throw new Error('a profile needs a name');
    if (clean.length > 100) throw new Error('profile names are limited to 100 characters');
    const others = this.all().filter((p) => p.name !== clean);
    if (form.password) await this.secrets.store(secretKey(clean), form.password);
    else await this.secrets.delete(secretKey(clean));
    await this.state.update(PROFILES_KEY, [...others, { name: clean, form: withoutPassword(form), hasPassword: !!form.password }]);
  }

  async load(name: string): Promise<FormState | undefined> {
    const p = this.all().find((x) => x.name === name);
    if (!p) return undefined;
    const password = p.hasPassword ? (await this.secrets.get(secretKey(name))) ?? '' : '';
    return { ...DEFAULT_FORM, ...p.form, password };
  }

  async delete(name: string): Promise<void> {
    await this.secrets.delete(secretKey(name));
    await this.state.update(PROFILES_KEY, this.all().filter((p) => p.name !== name));
  }

  lastForm(): FormState {
    return { ...DEFAULT_FORM, ...this.state.get<Partial<FormState>>(LAST_FORM_KEY, {}), password: '' };
  }

  async rememberForm(form: FormState): Promise<void> {
    await this.state.update(LAST_FORM_KEY, withoutPassword(form));
  }
}

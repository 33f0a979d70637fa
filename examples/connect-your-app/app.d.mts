/** Types of app.mjs, for TypeScript code (such as tests) that starts the example in-process. */
export interface ExampleAppOptions {
  /** twofold's issuer: its PUBLIC_URL followed by /oidc. */
  issuer: string;
  clientId: string;
  /** Absent or null: a public app (PKCE only). */
  clientSecret?: string | null;
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** The address people use to reach the app; default http://localhost:PORT. */
  appUrl?: string;
  /** Listen address; default all interfaces. */
  host?: string;
}

export interface ExampleApp {
  readonly url: string;
  close(): Promise<void>;
}

export function startExampleApp(options: ExampleAppOptions): Promise<ExampleApp>;
export function escapeHtml(value: unknown): string;

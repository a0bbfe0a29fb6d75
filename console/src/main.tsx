import '@picocss/pico/css/pico.min.css';
import './console.css';
import { render } from 'preact';
import { App, SignIn } from './app';
import { cognitoSession, localSession } from './session';
import type { ConsoleConfig } from './config';

async function start(): Promise<void> {
  const root = document.getElementById('console');
  if (!root) return;
  try {
    const config = (await (await fetch('./config.json', { cache: 'no-store' })).json()) as ConsoleConfig;
    const session = config.mode === 'local' ? localSession(config) : await cognitoSession(config);
    render(session ? <App session={session} /> : <SignIn config={config} />, root);
  } catch (error) {
    render(
      <main class="container">
        <p role="alert">The console could not start: {(error as Error).message}</p>
      </main>,
      root,
    );
  }
}

void start();

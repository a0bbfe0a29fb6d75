import { useEffect, useState } from 'preact/hooks';
import { pages } from './pages';
import { signInLocally, signInWithCognito, type Session } from './session';
import type { ConsoleConfig } from './config';
import { parseRoute } from './view/route';

const pageIds = pages.map((page) => page.id);

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash, pageIds);
}

function navigate(to: string): void {
  location.hash = to;
}

export function SignIn({ config }: { config: ConsoleConfig }) {
  return (
    <main class="container sign-in">
      <h1>Retail fabric ops console</h1>
      {config.mode === 'local' ? (
        <>
          <p>The local fabric has one development user per group. Sign in as:</p>
          <div class="grid">
            {config.users.map((user) => (
              <button type="button" key={user.name} onClick={() => signInLocally(user.name)}>
                {user.name} ({user.group})
              </button>
            ))}
          </div>
        </>
      ) : (
        <button type="button" onClick={() => signInWithCognito(config)}>
          Sign in
        </button>
      )}
    </main>
  );
}

export function App({ session }: { session: Session }) {
  const route = useRoute();
  const current = pages.find((page) => page.id === route.page) ?? pages[0];
  useEffect(() => {
    document.title = `${current?.title ?? 'Console'} · Retail fabric`;
  }, [current]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="container-fluid console-bar">
        <nav aria-label="Console pages">
          <ul>
            <li>
              <strong>Retail fabric</strong>
            </li>
          </ul>
          <ul class="page-links">
            {pages.map((page) => (
              <li key={page.id}>
                <a href={`#/${page.id}`} aria-current={page.id === current?.id ? 'page' : undefined}>
                  {page.title}
                </a>
              </li>
            ))}
          </ul>
          <ul>
            <li>
              <span class="who">
                {session.user} <small>({session.group})</small>
              </span>
            </li>
            <li>
              <button type="button" class="secondary outline" onClick={() => session.signOut()}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" class="container-fluid" tabIndex={-1}>
        {current && (
          <current.Page key={current.id} session={session} path={route.path} query={route.query} navigate={navigate} />
        )}
      </main>
    </>
  );
}

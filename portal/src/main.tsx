import { createDOMRenderer, RendererProvider } from '@fluentui/react-components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './global.css';

// Fluent's styles are <style> elements made at run time; the CSP admits them only with the nonce the server put
// into this page's <meta> (a fresh one per response), so hand it to the style renderer.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="amity-style-nonce"]')?.content;
const renderer = createDOMRenderer(document, { styleElementAttributes: nonce ? { nonce } : {} });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RendererProvider renderer={renderer} targetDocument={document}>
      <App />
    </RendererProvider>
  </StrictMode>,
);

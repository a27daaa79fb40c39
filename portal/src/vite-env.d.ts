// CSS files are imported for their side effect only (Vite bundles them into a hashed stylesheet).
declare module '*.css';

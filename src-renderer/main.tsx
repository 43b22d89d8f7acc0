/**
 * Placeholder entry, written with the hosts (issue 4) so that both hosts have
 * a page to serve; the UI replaces it.
 */
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) createRoot(root).render(<h1>Lading</h1>);

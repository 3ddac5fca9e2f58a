import '@mantine/core/styles.css';
import './styles.css';
import './i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { setUnauthorizedHandler } from './api';
import { meQuery } from './lib/queries';
import { queryClient } from './queryClient';
import { createAppRouter } from './router';
import { theme } from './theme';

const router = createAppRouter(queryClient);

// A 401 in the middle of work means the session ended (expired or revoked): back to the sign-in page.
setUnauthorizedHandler(() => {
  queryClient.setQueryData(meQuery.queryKey, null);
  const here = router.state.location;
  if (here.pathname === '/login') return;
  void router.navigate({ to: '/login', search: { redirect: here.href } });
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);

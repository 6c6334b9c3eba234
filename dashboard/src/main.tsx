import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, readingThroughSharedLink } from './api/client';
import { App } from './app';
import { SESSION_KEY } from './session';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  // A session that ended meanwhile (signed out elsewhere, expired, password changed): any 401
  // says so, and the pages that need one send the user to sign in, then back.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (
        error instanceof ApiError &&
        error.status === 401 &&
        query.queryKey[0] !== SESSION_KEY[0] &&
        !readingThroughSharedLink()
      ) {
        queryClient.setQueryData(SESSION_KEY, null);
      }
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      // A 4xx will not change by asking again; a 5xx or a network failure may.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);

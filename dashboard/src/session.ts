import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type SessionDocument, unwrap } from './api/client';

export const SESSION_KEY = ['session'] as const;

/** The signed-in user and their accounts, or `null` when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<SessionDocument | null> => {
      try {
        return await unwrap(api.GET('/api/auth/session'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** After sign-in, sign-up or sign-out: forget everything cached for the previous user. */
export function useResetSession() {
  const client = useQueryClient();
  return (session: SessionDocument | null) => {
    client.clear();
    client.setQueryData(SESSION_KEY, session);
  };
}

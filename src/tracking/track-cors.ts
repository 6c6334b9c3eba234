import cors from 'cors';

/**
 * CORS for `/track`: any page may send events (a site's allowed domains are checked per event,
 * answering 403). The origin is reflected rather than `*`, because `sendBeacon` sends credentials
 * mode "include", which `*` does not satisfy; Trackveil sets no cookies either way.
 */
export const trackCors = cors({
  origin: true,
  methods: ['POST', 'OPTIONS'],
  allowedHeaders: ['Content-Type'],
  exposedHeaders: ['X-Request-Id', 'X-Trackveil-Ignored', 'Retry-After'],
  maxAge: 86_400,
  optionsSuccessStatus: 204,
});

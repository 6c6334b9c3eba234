import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestApp } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const MAX_GZIP_BYTES = 1400;
const built = (name: string) => readFileSync(new URL(`../tracker/dist/${name}`, import.meta.url));

describe('the tracker script', () => {
  it(`should stay under ${MAX_GZIP_BYTES} bytes gzip -9 once minified`, () => {
    const size = gzipSync(built('tracker.min.js'), { level: 9 }).length;
    console.log(
      `tracker.min.js: ${built('tracker.min.js').length} bytes, ${size} bytes gzip -9 (limit ${MAX_GZIP_BYTES})`,
    );
    expect(size).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  });

  describe('as served', () => {
    let db: TestDatabase;
    let app: NestExpressApplication;

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createTestApp({ databaseUrl: db.url });
    });

    afterAll(async () => {
      await app.close();
      await db.drop();
    });

    it.each(['tracker.js', 'tracker.min.js'])(
      'should serve /%s as cacheable JavaScript with an ETag',
      async (name) => {
        const res = await request(app.getHttpServer())
          .get(`/${name}`)
          .set('Accept-Encoding', 'identity')
          .expect(200);
        expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
        expect(res.headers['cache-control']).toMatch(/public, max-age=\d+/);
        expect(res.headers['etag']).toMatch(/^"[\w-]+"$/);
        expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
        expect(res.text).toBe(built(name).toString('utf8'));

        await request(app.getHttpServer())
          .get(`/${name}`)
          .set('Accept-Encoding', 'identity')
          .set('If-None-Match', res.headers['etag'])
          .expect(304);
      },
    );

    it('should send the script gzipped to clients that accept it, under its own ETag', async () => {
      const plain = await request(app.getHttpServer())
        .get('/tracker.min.js')
        .set('Accept-Encoding', 'identity');
      const res = await request(app.getHttpServer())
        .get('/tracker.min.js')
        .set('Accept-Encoding', 'gzip, br')
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['vary']).toContain('Accept-Encoding');
      expect(res.headers['etag']).not.toBe(plain.headers['etag']);
      // supertest inflates gzip itself; either way the bytes are the built script.
      const body = res.body as Buffer;
      const text = body[0] === 0x1f ? gunzipSync(body).toString('utf8') : body.toString('utf8');
      expect(text).toBe(built('tracker.min.js').toString('utf8'));
    });

    it('should serve the test page', async () => {
      const res = await request(app.getHttpServer()).get('/test.html').expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('/tracker.js');
      expect(res.text).toContain('window.trackveil=window.trackveil||function()');
    });
  });
});

// GET /documents/:id?token=...: serves a stored document to whoever holds its short-lived signed link.
import express, { type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { Document } from '../entities/Document';
import { isUuid } from '../auth/tenant-source';
import { storageFor } from '../integrations/storage/storage';
import { DOCUMENT_PATH } from '../services/ledger/document-service';

export { DOCUMENT_PATH };

export function documentRouter(app: AppServices, orm: MikroORM): Router {
  const router = express.Router();
  router.get('/:id', async (req, res) => {
    const verified = typeof req.query.token === 'string' ? await app.tokens.verify(req.query.token, 'document') : null;
    const administrationId = verified?.claims.adm;
    // The link names exactly one document of one administration; anything else looks like a missing file.
    if (!verified || verified.subject !== req.params.id || !isUuid(req.params.id) || typeof administrationId !== 'string') {
      res.status(404).json({ error: 'not found or link expired' });
      return;
    }
    const document = await orm.em.fork().findOne(Document, { id: req.params.id, administration: administrationId }, { filters: false });
    if (!document) {
      res.status(404).json({ error: 'not found or link expired' });
      return;
    }
    res.setHeader('content-type', document.contentType);
    res.setHeader('content-length', String(document.size));
    res.setHeader('content-disposition', `attachment; filename="${document.filename.replace(/["\\\r\n]/g, '_')}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    const stream = storageFor(app.config).read(document.storageKey);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
  return router;
}

// Document.url: a short-lived signed link, so a document opens in a browser without a bearer header.
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Document } from '../../entities/Document';
import { DocumentType } from '../../schema/types/ledger';
import { documentUrl } from '../../services/ledger/document-service';

@Resolver(() => DocumentType)
export class DocumentResolver {
  @FieldResolver(() => String)
  url(@Ctx() ctx: RequestContext, @Root() document: Document): Promise<string> {
    return documentUrl(ctx, document);
  }
}

import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ImportFormat, ImportKind, ImportMode, ImportReportView } from './import.dto';
import { ImportService } from './import.service';

@Resolver()
export class ImportResolver {
  constructor(private readonly service: ImportService) {}

  @Mutation(() => ImportReportView, {
    description:
      'Import a kubectl dump (JSON v1 List or multi-document YAML) into the cluster, all or nothing; the same as POST /v1/clusters/{clusterId}/import.',
  })
  importManifests(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('document', { type: () => String }) document: string,
    @Args('format', { type: () => ImportFormat }) format: ImportFormat,
    @Args('mode', { type: () => ImportMode, defaultValue: ImportMode.MERGE }) mode: ImportMode,
    @Args('kinds', {
      type: () => [ImportKind],
      nullable: true,
      description: 'With mode REPLACE: kinds the snapshot carries even if it holds none of them.',
    })
    kinds: ImportKind[] | null,
  ): Promise<ImportReportView> {
    return this.service.importDocument(
      auth.tenantId,
      clusterId,
      { kind: 'document', text: document, format: format === 'JSON' ? 'application/json' : 'application/yaml' },
      mode,
      kinds ?? [],
    );
  }
}

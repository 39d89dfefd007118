import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ApiIdParam, IMPORT_EXAMPLES, IMPORT_PROBLEMS, PLACEHOLDER } from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidParam } from '../../common/params';
import { ARCHIVE_TYPES, ImportQuery, ImportReportView, JSON_TYPES, kindsOf, YAML_TYPES } from './import.dto';
import { ImportInput } from './import-input';
import { RAW_BODY, unsupportedType } from './import-body';
import { ImportService } from './import.service';

/** The document and its format, or the dump archive, from the body and its Content-Type. */
function inputOf(req: FastifyRequest): ImportInput {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (ARCHIVE_TYPES.includes(type) && Buffer.isBuffer(req.body)) return { kind: 'archive', data: req.body };
  const format = JSON_TYPES.includes(type) ? 'application/json' : YAML_TYPES.includes(type) ? 'application/yaml' : null;
  if (format === null || typeof req.body !== 'string') {
    throw unsupportedType(req.headers['content-type'], true);
  }
  return { kind: 'document', text: req.body, format };
}

@ApiTags('import')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId')
export class ImportController {
  constructor(private readonly service: ImportService) {}

  @Post('import')
  @HttpCode(200)
  @RouteConfig({ [RAW_BODY]: true })
  @ApiOperation({
    summary: 'Import a kubectl dump into the cluster, all or nothing.',
    description:
      'The output of `kubectl get nodes,pods,services,endpointslices -A -o json` (a v1 List), or multi-document YAML of the same kinds, ' +
      'optionally with a KubeProxyConfiguration (or the kube-system/kube-proxy ConfigMap). Objects are upserted by name (namespace/name); ' +
      'other kinds are skipped and listed. An invalid object is a 400 whose `errors[0].field` is `items[N].<path>` (N counts every object of the document, Lists unwrapped); ' +
      'an address or NodePort held by another object is a 409. Nothing is stored unless everything is. ' +
      'With `mode=replace` the document is a snapshot: for every kind it carries (nodes, pods, services, endpointSlices: a kind with at least one object in the document), ' +
      "stored objects of that kind that it lacks are deleted, in the same transaction, before any address is claimed (a new pod may take a deleted pod's IP). " +
      'Deleting a Service deletes its EndpointSlices; a node that a stored pod the document does not carry still runs on is refused with a 409 naming both. ' +
      'A whole dump directory (`kubectl cluster-info dump --output-directory`, a sonobuoy results tarball, a troubleshoot support bundle) may come as one .tar.gz ' +
      '(`application/gzip`): its JSON and YAML files are read as one document, in any order; errors name `files["path"].items[N].<path>`. ' +
      'An archive with links or paths outside it, more than 100,000 entries or 512 MiB unpacked is refused (422, 413). A document with nothing to import is a 422 saying what it holds.',
  })
  @ApiConsumes(...JSON_TYPES, ...YAML_TYPES, ...ARCHIVE_TYPES)
  @ApiBody({
    description: 'The document, or a dump directory as one .tar.gz (application/gzip).',
    schema: { type: 'string' },
    examples: IMPORT_EXAMPLES.document,
  })
  @ApiOkResponse({ type: ImportReportView })
  @ApiProblems(IMPORT_PROBLEMS.document)
  importDocument(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Query() query: ImportQuery,
    @Req() req: FastifyRequest,
  ): Promise<ImportReportView> {
    return this.service.importDocument(
      auth.tenantId,
      clusterId,
      inputOf(req),
      query.mode ?? 'merge',
      kindsOf(query.kinds),
    );
  }
}

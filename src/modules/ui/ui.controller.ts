import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth';
import { DomainError } from '../../common/domain-error';

/**
 * The page's files, served as they are: plain browser ES modules and CSS, no build step, no
 * framework, nothing from another origin. They live in src/modules/ui/assets, which tsc does not
 * copy, so they are looked up next to this file (running from src, as the tests do) and else in
 * the repository's src/ above it (running from dist/, as `node dist/main.js` does).
 */
const FILES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'answer.js': 'text/javascript; charset=utf-8',
  'diagram.js': 'text/javascript; charset=utf-8',
  'matrix.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'ui.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** Self only: no inline script or style, no other origin, not framed. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The assets folder: next to this file (src), else src/modules/ui/assets in a folder above it (dist). */
export function assetsDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'assets'), join(dir, 'src', 'modules', 'ui', 'assets')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    if (dirname(dir) === dir)
      throw new Error(`the /ui page's assets (src/modules/ui/assets) were not found above ${from}`);
  }
}

@ApiExcludeController()
@Controller('ui')
export class UiController {
  private readonly dir = assetsDir();
  private readonly page = readFileSync(join(this.dir, 'index.html'), 'utf8');
  private readonly files = new Map(
    Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(join(this.dir, name)) }]),
  );

  @Get()
  @Public()
  index(@Res() reply: FastifyReply): void {
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }).send(this.page);
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const found = Object.hasOwn(FILES, file) ? this.files.get(file) : undefined;
    if (found === undefined) throw new DomainError('NOT_FOUND', "no such file in the page's assets");
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': found.type }).send(found.body);
  }
}

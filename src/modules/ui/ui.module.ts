import { Module } from '@nestjs/common';
import { UiController } from './ui.controller';

/** The page at /ui: the summary, the path as a diagram, the matrix as a colour grid (assets in ./assets). */
@Module({ controllers: [UiController] })
export class UiModule {}

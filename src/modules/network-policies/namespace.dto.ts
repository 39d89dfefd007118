import { IsOptional, IsString } from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsDns1123Label, IsLabelMap } from '../../common/validators';
import { Paginated } from '../topology/paging';

@InputType('CreateNamespaceInput')
export class CreateNamespaceInput {
  @Prop('string', { example: 'shop', description: 'DNS-1123 label, unique in the cluster.' })
  @IsString()
  @IsDns1123Label()
  name!: string;

  @Prop('stringMap', {
    nullable: true,
    example: { team: 'shop' },
    description:
      'kubernetes.io/metadata.name is always set to the name (as the API server sets it); another value for it is a 400.',
  })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string> | null;
}

@InputType('UpdateNamespaceInput')
export class UpdateNamespaceInput {
  @Prop('stringMap', {
    nullable: true,
    example: { team: 'shop', env: 'prod' },
    description: 'Replaces the labels; kubernetes.io/metadata.name stays the name.',
  })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string> | null;
}

@ObjectType('Namespace')
export class NamespaceView {
  @Prop('string') id!: string;
  @Prop('string') clusterId!: string;
  @Prop('string') name!: string;
  @Prop('stringMap', { description: 'Always holds kubernetes.io/metadata.name = name.' }) labels!: Record<
    string,
    string
  >;
  @Prop('int', { description: 'Bumped by every change to this object; its ETag is this number, quoted.' })
  version!: number;
  @Prop('string') createdAt!: string;
  @Prop('string') updatedAt!: string;
}

export const NamespacePage = Paginated(NamespaceView, 'NamespacePage');

import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InputType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsDns1123Label } from '../../common/validators';
import { E, Protocol } from './enums';

@InputType('ContainerPortInput')
export class ContainerPort {
  @Prop('string', {
    nullable: true,
    example: 'http',
    description: 'IANA_SVC_NAME, referenced by a Service targetPort.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(15)
  @IsDns1123Label()
  name?: string | null;

  @Prop('int', { minimum: 1, maximum: 65535, example: 8080 })
  @IsInt()
  @Min(1)
  @Max(65535)
  containerPort!: number;

  @Prop(E.Protocol, { nullable: true, description: 'Default TCP.' })
  @IsOptional()
  @IsIn(Object.values(Protocol))
  protocol?: Protocol;
}

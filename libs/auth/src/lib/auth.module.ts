import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token.verifier';

/** Binds the verifier and makes the access guard global: every route is protected unless `@Public()`. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AccessTokenVerifierOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(options) },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}

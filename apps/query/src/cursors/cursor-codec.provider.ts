import { Logger, type Provider } from '@nestjs/common';
import { DEVELOPMENT_CURSOR_SECRET, QueryConfig } from '../query.config';
import { CursorCodec } from './cursor.codec';

export const cursorCodecProvider: Provider = {
  provide: CursorCodec,
  inject: [QueryConfig],
  useFactory: (config: QueryConfig): CursorCodec => {
    if (config.QUERY_CURSOR_SECRET === DEVELOPMENT_CURSOR_SECRET) {
      new Logger('Cursors').warn('QUERY_CURSOR_SECRET is the development default: set a secret of your own outside development');
    }
    return new CursorCodec(config.QUERY_CURSOR_SECRET);
  },
};

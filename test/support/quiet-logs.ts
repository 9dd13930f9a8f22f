// Every spec's Nest logging (services built without an app included) goes to the CapturedLogger:
// kept for the secret scan and captureLogs, printed only with TEST_LOG_LEVEL.
import { Logger } from '@nestjs/common';
import { CapturedLogger } from './captured-logger';

Logger.overrideLogger(new CapturedLogger('spec'));

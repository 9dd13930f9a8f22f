import { Controller, Get, Redirect } from '@nestjs/common';

/** The standalone service's front door: a newcomer's first request lands on the console. */
@Controller()
export class RootController {
  @Get()
  @Redirect('/admin', 302)
  root(): void {}
}

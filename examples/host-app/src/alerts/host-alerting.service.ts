import { Injectable } from '@nestjs/common';
import { Alert, AlertingService } from 'token-health';
import { DataSource } from 'typeorm';

/** The host's existing alerting, plugged in as token-health's AlertingService: it files alerts in its own table. */
@Injectable()
export class HostAlertingService extends AlertingService {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async sendAlert(alert: Alert): Promise<void> {
    await this.dataSource.query('INSERT INTO host_alerts (severity, title, message) VALUES ($1, $2, $3)', [
      alert.severity,
      alert.title,
      alert.message,
    ]);
  }
}

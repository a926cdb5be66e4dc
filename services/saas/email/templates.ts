/**
 * The emails the worker can send (pure): subject and plain-text body of each template of the
 * contract's EmailTemplate, in English and Spanish (another locale falls back to English).
 * `{name}` is a variable of the command; one the template needs and the command lacks is an
 * error (`TemplateError`), so a broken command is dead-lettered with the reason rather than
 * sent with a hole in it. `{name?}` lines are dropped when the variable is absent.
 */
import type { EmailTemplate } from '../../../generated/types/saas.js';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
}

export class TemplateError extends Error {}

type Texts = Record<EmailTemplate, { subject: string; body: string }>;

const EN: Texts = {
  welcome: {
    subject: 'Welcome aboard, {firstName}!',
    body: 'Hi {firstName},\n\nYour account is ready.\n{role?}You joined as {role}.\n{invited?}You were invited by a teammate; they can see you in the workspace now.\n{workspaceUrl?}Your workspace: {workspaceUrl}\n\nWelcome!',
  },
  email_changed: {
    subject: 'Your email address was changed',
    body: 'Hello,\n\nThe email address of your account was changed to {newEmail}. From now on we write there.\n\nIf you did not make this change, contact support at once.',
  },
  payment_receipt: {
    subject: 'Receipt for invoice {invoiceId}',
    body: 'Thank you for your payment.\n\nInvoice: {invoiceId}\nPlan: {plan}\nAmount: {amount}\nPaid with: {method}\n{periodFrom?}Period: {periodFrom} to {periodTo}\n{invoiceUrl?}Invoice PDF: {invoiceUrl}',
  },
  payment_failed: {
    subject: 'Payment failed for invoice {invoiceId}',
    body: 'We could not charge {amount} for your {plan} plan (invoice {invoiceId}) to your {method}.\n\nReason: {reason}\nAttempt: {attempt}\n{nextAttemptAt?}We will try again on {nextAttemptAt}. Update your payment method before then to keep your subscription active.\n{finalAttempt?}This was the last attempt: update your payment method to keep your subscription.',
  },
  report_ready: {
    subject: 'Your {reportType} report is ready',
    body: 'Your {reportType} report is ready to download:\n\n{downloadUrl}\n{format?}Format: {format}\n\nThe link works until {expiresAt}.',
  },
};

const ES: Texts = {
  welcome: {
    subject: '¡Bienvenido, {firstName}!',
    body: 'Hola {firstName}:\n\nTu cuenta está lista.\n{role?}Te has unido como {role}.\n{invited?}Te invitó un compañero; ya puede verte en el espacio de trabajo.\n{workspaceUrl?}Tu espacio de trabajo: {workspaceUrl}\n\n¡Bienvenido!',
  },
  email_changed: { subject: 'Se ha cambiado tu dirección de correo', body: 'Hola:\n\nLa dirección de correo de tu cuenta ahora es {newEmail}.\n\nSi no has hecho este cambio, contacta con soporte enseguida.' },
  payment_receipt: { subject: 'Recibo de la factura {invoiceId}', body: 'Gracias por tu pago.\n\nFactura: {invoiceId}\nPlan: {plan}\nImporte: {amount}\nPagado con: {method}\n{periodFrom?}Periodo: del {periodFrom} al {periodTo}\n{invoiceUrl?}Factura en PDF: {invoiceUrl}' },
  payment_failed: {
    subject: 'No se pudo cobrar la factura {invoiceId}',
    body: 'No hemos podido cobrar {amount} de tu plan {plan} (factura {invoiceId}) en tu {method}.\n\nMotivo: {reason}\nIntento: {attempt}\n{nextAttemptAt?}Lo intentaremos de nuevo el {nextAttemptAt}.\n{finalAttempt?}Era el último intento: actualiza tu forma de pago para mantener tu suscripción.',
  },
  report_ready: { subject: 'Tu informe {reportType} está listo', body: 'Tu informe {reportType} está listo:\n\n{downloadUrl}\n{format?}Formato: {format}\n\nEl enlace caduca el {expiresAt}.' },
};

const BY_LANGUAGE: Record<string, Texts> = { en: EN, es: ES };

/** The language of a BCP 47 tag that has texts (`es-MX` → es), English otherwise. */
export function languageOf(locale: string): 'en' | 'es' {
  const language = locale.split('-')[0]!.toLowerCase();
  return language === 'es' ? 'es' : 'en';
}

function fill(text: string, variables: Readonly<Record<string, string>>, template: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const optional = /^\{([a-zA-Z][a-zA-Z0-9_]*)\?\}/.exec(line);
    if (optional) {
      if (variables[optional[1]!] === undefined) continue;
      lines.push(substitute(line.slice(optional[0].length), variables, template));
    } else {
      lines.push(substitute(line, variables, template));
    }
  }
  return lines.join('\n');
}

function substitute(line: string, variables: Readonly<Record<string, string>>, template: string): string {
  return line.replace(/\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new TemplateError(`template ${template} needs variable ${name}, which the command does not carry`);
    return value;
  });
}

export function render(template: EmailTemplate, locale: string, variables: Readonly<Record<string, string>>): RenderedEmail {
  const texts = BY_LANGUAGE[languageOf(locale)]![template];
  if (!texts) throw new TemplateError(`no template ${template}`);
  const subject = fill(texts.subject, variables, template).replace(/[\r\n]+/g, ' ');
  return { subject, text: `${fill(texts.body, variables, template)}\n` };
}

/* bad_module.c — lint fixture: a module reaching past web.h. Never compiled. */
#include "../web/web.h"
#include "../web/web_internal.h" /* LINT-EXPECT: web-private */

static int handler(Req *r, const char *name) {
    buf_puts(&r->priv->out, name); /* LINT-EXPECT: web-private */
    html_printf(r, "<p>%s</p>", "r->priv in a string is fine");
    return 0;
}

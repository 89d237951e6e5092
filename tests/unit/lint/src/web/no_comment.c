#include "web.h"
/* a comment that is not the file's opening block */
int nothing(void) { return 0; }

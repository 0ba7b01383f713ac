/* The GUIDs of include/httprequest.idl (the library, its interfaces and the
 * class), defined once for the DLL. */
#define COBJMACROS
#define CONST_VTABLE
#include <windows.h>
#include <ole2.h>
#include <ocidl.h>
#include <initguid.h>
#include "httprequest.h"

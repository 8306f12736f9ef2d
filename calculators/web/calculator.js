/*@MANIFEST@*/null

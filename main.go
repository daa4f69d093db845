// Command listclean cleans an email list before it is sent.
package main

func main() {}

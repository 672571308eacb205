using System;

namespace Cosmos.Plugs
{
    // Marks a class of the user kernel as a plug: its public static methods replace the
    // bodies of the same-named methods of the target type in the Cosmos layer (Core or
    // HAL) at build time, before ILC compiles the kernel (CosmosKernel.PlugPatcher, run
    // by build/Kernel.targets; docs/plugs.md). The target is named by its full name
    // (nested types with '+'), as Cosmos's [Plug(TargetName = ...)] does: our corelib has
    // no System.Type for typeof. A name that matches nothing fails the build.
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class PlugAttribute : Attribute
    {
        public PlugAttribute(string targetName) { TargetName = targetName; }

        public string TargetName { get; }
    }
}
